// NAB timestamps ("2014-04-10 07:15:00", windows add ".000000") as UTC epoch milliseconds, so data rows
// and window edges compare exactly whatever their textual precision.

const nabTimestamp = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

export function parseNabTimestamp(text: string): number {
  const parts = nabTimestamp.exec(text.trim());
  if (!parts) throw new Error(`"${text}" is not a NAB timestamp: expected "YYYY-MM-DD HH:MM:SS[.ffffff]"`);
  const [, year, month, day, hour, minute, second, fraction = '0'] = parts;
  const milliseconds = Math.round(Number(`0.${fraction}`) * 1000);
  return (
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) +
    milliseconds
  );
}
