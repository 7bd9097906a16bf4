/**
 * native-bridge/dicom: a small DICOM Part 10 reader and writer, environment-neutral
 * (Uint8Array/DataView only), shared by the gateway and the workstation.
 *
 * Reading
 *   const file = readPart10(bytes);              // throws DicomError (code LARMOR_E_DICOM_...)
 *   file.transferSyntaxUid                        // e.g. TransferSyntax.RLELossless
 *   file.dataset.string(0x00100010)               // text, padding trimmed
 *   file.dataset.number(Tag.Rows)                 // US/UL/SS/SL/IS/DS/FL/FD as a number
 *   file.dataset.get(tag)?.bytes                  // raw value bytes (a view into `bytes`)
 *   imageInfo(file.dataset)                       // rows, columns, samples, bits, planar, frames
 *   pixelDataFrames(file)                         // { encapsulated:false, frames: Uint8Array[] }
 *                                                 // | { encapsulated:true, frames: Uint8Array[][] } (fragments per frame)
 *
 * Writing (always an Explicit VR Little Endian dataset; File Meta Information built for you)
 *   const bytes = writePart10({
 *     transferSyntaxUid: TransferSyntax.ExplicitVRLittleEndian,
 *     elements: [
 *       { tag: Tag.SOPClassUID, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },   // required
 *       { tag: Tag.SOPInstanceUID, vr: 'UI', value: '1.2.3.4' },                   // required
 *       { tag: Tag.Rows, vr: 'US', value: 256 },
 *       { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },                  // multi-valued
 *       { tag: 0x00081140, vr: 'SQ', value: [[ ...item elements ]] },             // sequence
 *       { tag: Tag.PixelData, vr: 'OW', value: new Uint16Array(pixels) },          // native
 *     ],
 *   });
 *   // RLE Lossless: Pixel Data as { fragments, basicOffsetTable }, e.g.
 *   //   { tag: Tag.PixelData, vr: 'OB', value: encapsulateFrames(rleFrames) }
 * Elements may be given in any order (written sorted by tag); values are padded to even length
 * (text with space, UI/binary with NUL). Text is encoded as UTF-8, so non-ASCII text needs
 * Specific Character Set (0008,0005) "ISO_IR 192". A Uint8Array value is written as raw bytes for
 * any VR. datasetToElements(file.dataset) turns a read dataset back into writer input.
 */
export { readPart10, type DicomFile } from './reader.js';
export { DataSet } from './dataset.js';
export { writePart10, encapsulateFrames, type DicomElement } from './writer.js';
export { greyImagePixelElements } from './grey-image-pixel.js';
export { imageInfo, nativeFrameLength, pixelDataFrames, Tag, type ImageInfo } from './image.js';
export { datasetToElements } from './convert.js';
export { TransferSyntax, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uids.js';
export { DicomError } from './errors.js';
