/**
 * SQL text helpers for the statements the code builds itself (DDL, insert settings, bound
 * literals). The one string quoting of the project: anything that puts text into SQL uses it.
 */

/** A ClickHouse string literal: the text in single quotes, with backslashes and quotes escaped. */
export const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
