/**
 * The PDUs that end an association, which the gateway writes itself at the socket (PS3.8 9.3.4,
 * 9.3.7 and 9.3.8), and the PDU header every guard check starts from (PS3.8 9.3.1).
 */

/** PDU types of PS3.8 9.3.1; anything else is unrecognized. */
export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PDataTf: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;

/** Type (1 byte), reserved (1), length of what follows (4, big endian). */
export const PDU_HEADER_LENGTH = 6;

/** A-ASSOCIATE-RJ Result (PS3.8 9.3.4). */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;

/** A-ASSOCIATE-RJ Source with the reasons it may give (PS3.8 9.3.4, Table 9-21). */
export const RejectSource = {
  /** DICOM UL service-user; reasons: 1 no reason, 2 application context, 3 calling AE title not recognized, 7 called AE. */
  ServiceUser: 1,
  /** DICOM UL service-provider (presentation related); reasons: 1 temporary congestion, 2 local limit exceeded. */
  ServiceProviderPresentation: 3,
} as const;

export const RejectReason = {
  NoReasonGiven: 1,
  CallingAeNotRecognized: 3,
  CalledAeNotRecognized: 7,
  TemporaryCongestion: 1,
  LocalLimitExceeded: 2,
} as const;

/** A-ABORT Source (PS3.8 9.3.8): 0 service-user, 2 service-provider. */
export const AbortSource = { ServiceUser: 0, ServiceProvider: 2 } as const;

/** A-ABORT reasons when the source is the service-provider (PS3.8 9.3.8). */
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  InvalidPduParameterValue: 6,
} as const;

/** A-ASSOCIATE-RJ: type 03H, reserved, length 4, reserved, Result, Source, Reason/Diag. */
export function associateReject(result: number, source: number, reason: number): Buffer {
  return Buffer.from([PduType.AssociateRj, 0, 0, 0, 0, 4, 0, result, source, reason]);
}

/** A-ABORT: type 07H, reserved, length 4, two reserved bytes, Source, Reason/Diag. */
export function abort(source: number, reason: number): Buffer {
  return Buffer.from([PduType.Abort, 0, 0, 0, 0, 4, 0, 0, source, reason]);
}

/** A-RELEASE-RP: type 06H, reserved, length 4, four reserved bytes (PS3.8 9.3.7). */
export function releaseResponse(): Buffer {
  return Buffer.from([PduType.ReleaseRp, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
}
