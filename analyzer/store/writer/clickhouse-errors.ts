/**
 * ClickHouse error codes (src/Common/ErrorCodes.cpp) that mean "this data is bad": retrying the
 * same batch cannot help, so the writer keeps it aside in the spool's rejected folder.
 */
export const PERMANENT_ERRORS = {
  CANNOT_PARSE_TEXT: 6,
  CANNOT_PARSE_QUOTED_STRING: 26,
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 27,
  CANNOT_PARSE_DATE: 38,
  CANNOT_PARSE_DATETIME: 41,
  TYPE_MISMATCH: 53,
  ARGUMENT_OUT_OF_BOUND: 69,
  CANNOT_CONVERT_TYPE: 70,
  CANNOT_PARSE_NUMBER: 72,
  INCORRECT_DATA: 117,
} as const;

const PERMANENT_CODES = new Set(Object.values(PERMANENT_ERRORS).map(String));

/** True for an error whose `code` (the ClickHouse code as text, as the client and the inserter give it) is one of those. */
export const isPermanent = (err: unknown): boolean => PERMANENT_CODES.has(String((err as { code?: unknown }).code));
