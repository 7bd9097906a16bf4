import { describe, expect, it } from 'vitest';
import { patientMismatch } from '../../../gateway/safety/patient-match.js';
import { PATIENT } from '../../helpers/gateway.js';

describe('received images belong to the open exam’s patient', () => {
  it('accepts the exam’s Patient ID with the same name written differently', () => {
    expect(patientMismatch(PATIENT, { id: PATIENT.id, name: 'Doe^Jane^^' })).toBeNull();
    expect(patientMismatch(PATIENT, { id: ` ${PATIENT.id} `, name: null })).toBeNull();
  });

  it.each([
    ['another Patient ID', { id: 'PID-9999', name: PATIENT.name }, /Patient ID PID-9999/],
    ['no Patient ID', { id: null, name: PATIENT.name }, /no Patient ID/],
    ['the same ID with another name', { id: PATIENT.id, name: 'ROE^RICHARD' }, /ROE\^RICHARD/],
  ])('refuses %s', (_what, image, reason) => {
    expect(patientMismatch(PATIENT, image)).toMatch(reason);
  });

  it('matches nothing while no exam is open', () => {
    expect(patientMismatch(null, { id: PATIENT.id, name: PATIENT.name })).toMatch(/no exam is open/);
  });
});
