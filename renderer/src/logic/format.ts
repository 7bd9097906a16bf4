/** 0..1 as a whole percentage, clamped. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '0%';
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** DICOM DA (YYYYMMDD, PS3.5 Table 6.2-1) as YYYY-MM-DD for display and date inputs. */
export function dicomDateToIso(da: string | null): string {
  if (!da || !/^\d{8}$/.test(da)) return '';
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/** YYYY-MM-DD (a date input's value) as DICOM DA, or null when empty. */
export function isoDateToDicom(iso: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  return match ? `${match[1]}${match[2]}${match[3]}` : null;
}

/** Numbers in parameter fields: no float noise (4.800000001), no needless trailing zeros. */
export function formatParamValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  return String(Number(value.toFixed(3)));
}
