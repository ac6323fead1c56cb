/** The whole MRT records of `raw`, in order, as views into it; a record cut short at the end (a cut sample) is left out. */
export function mrtRecords(raw: Buffer): Buffer[] {
  const records: Buffer[] = [];
  for (let at = 0; at + 12 <= raw.length; ) {
    const end = at + 12 + raw.readUInt32BE(at + 8);
    if (end > raw.length) break;
    records.push(raw.subarray(at, end));
    at = end;
  }
  return records;
}
