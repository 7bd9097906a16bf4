/**
 * DICOM PN (PS3.5 6.2) as people read it: "FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX" shown as
 * "FAMILY, PREFIX GIVEN MIDDLE SUFFIX"; only the alphabetic group (before any "=") is shown.
 * The workstation's overlays, header and exam panel and the onsite console all name the patient
 * this way.
 */
export function formatPersonName(pn: string): string {
  const alphabetic = pn.split('=')[0] ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic.split('^').map((p) => p.trim());
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  if (!family) return rest;
  return rest ? `${family}, ${rest}` : family;
}
