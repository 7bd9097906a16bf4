/**
 * Value Representation facts needed to read and write Explicit VR (PS3.5 6.2, 7.1.2).
 */

/** VRs whose explicit header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** VRs whose value is text; padded with a trailing space to even length (PS3.5 6.2). */
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UR', 'UT']);

/** Binary numeric VRs: byte width of one value. */
const NUMERIC_VR_WIDTH: Record<string, number> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  AT: 4,
  SV: 8,
  UV: 8,
};

export function hasLongLength(vr: string): boolean {
  return LONG_LENGTH_VRS.has(vr);
}

export function isTextVr(vr: string): boolean {
  return TEXT_VRS.has(vr) || vr === 'UI';
}

export function numericWidth(vr: string): number | undefined {
  return NUMERIC_VR_WIDTH[vr];
}

/** Every VR defined by PS3.5 Table 6.2-1; anything else in an explicit header is malformed. */
export function isKnownVr(vr: string): boolean {
  return LONG_LENGTH_VRS.has(vr) || TEXT_VRS.has(vr) || vr in NUMERIC_VR_WIDTH || vr === 'UI';
}

/**
 * VRs of the few attributes an Implicit VR reader must interpret (PS3.6); everything else is
 * kept as raw bytes with VR 'UN'.
 */
export const IMPLICIT_VR_DICTIONARY: Record<number, string> = {
  0x00020000: 'UL',
  0x00020001: 'OB',
  0x00020002: 'UI',
  0x00020003: 'UI',
  0x00020010: 'UI',
  0x00020012: 'UI',
  0x00020013: 'SH',
  0x00080016: 'UI',
  0x00080018: 'UI',
  0x00080060: 'CS',
  0x00080005: 'CS',
  0x0020000d: 'UI',
  0x0020000e: 'UI',
  0x00200013: 'IS',
  0x00280002: 'US',
  0x00280004: 'CS',
  0x00280006: 'US',
  0x00280008: 'IS',
  0x00280010: 'US',
  0x00280011: 'US',
  0x00280100: 'US',
  0x00280101: 'US',
  0x00280102: 'US',
  0x00280103: 'US',
  0x7fe00010: 'OW',
  0x7fe00001: 'OV',
  0x7fe00002: 'OV',
};
