import { z } from 'zod';

/**
 * The open exam's images for everyone who joins (docs/architecture.md "The image's path"): the
 * gateway keeps them, a client that joins or resumes gets the series catalogue at once, and
 * fetches the full images it wants to view. Fetched images come as the ordinary binary image
 * frames with `fetched: true` in their header (protocol/image-frame.ts): never counted as live,
 * never sequenced.
 */

/** What a series' images are doing: still arriving, all there, or cut short by a stop. */
export const ExamSeriesStatus = z.enum(['receiving', 'complete', 'aborted']);
export type ExamSeriesStatus = z.infer<typeof ExamSeriesStatus>;

/** Edge of a catalogue thumbnail, at most, in pixels. */
export const THUMBNAIL_MAX_EDGE = 64;

/**
 * A series' thumbnail: 8-bit greyscale, already windowed (display values, PS3.3 C.11.2), at most
 * THUMBNAIL_MAX_EDGE on a side, shaped by the pixel spacing; `pixels` is base64 of rows x columns bytes.
 */
export const SeriesThumbnail = z.object({
  rows: z.number().int().min(1).max(THUMBNAIL_MAX_EDGE),
  columns: z.number().int().min(1).max(THUMBNAIL_MAX_EDGE),
  pixels: z.string().max(8192),
  /** The image it was made from. */
  sopInstanceUid: z.string(),
});
export type SeriesThumbnail = z.infer<typeof SeriesThumbnail>;

/** One series the gateway holds for the open exam. */
export const SeriesCatalogueEntry = z.object({
  seriesUid: z.string(),
  seriesNumber: z.number().int().nullable(),
  description: z.string(),
  status: ExamSeriesStatus,
  /** Images held now (and fetchable). */
  imageCount: z.number().int().nonnegative(),
  /** Images the acquisition will produce, when known. */
  imagesExpected: z.number().int().positive().nullable(),
  /** SOP Instance UIDs held, in arrival order: what `image.fetch` may ask for. */
  sopInstanceUids: z.array(z.string()),
  thumbnail: SeriesThumbnail.nullable(),
});
export type SeriesCatalogueEntry = z.infer<typeof SeriesCatalogueEntry>;

/** The open exam's series, in series-number order (unnumbered last). */
export const ExamCatalogue = z.object({
  /** The exam's Study Instance UID; null when no exam is open. */
  studyUid: z.string().nullable(),
  series: z.array(SeriesCatalogueEntry),
});
export type ExamCatalogue = z.infer<typeof ExamCatalogue>;

/**
 * Gateway -> client, not sequenced: right after the welcome (and any replay), and again whenever a
 * series begins, changes status or is dropped, or the exam changes. A whole catalogue each time.
 */
export const ExamCatalogueMessage = z.object({ type: z.literal('exam.catalogue'), catalogue: ExamCatalogue });
export type ExamCatalogueMessage = z.infer<typeof ExamCatalogueMessage>;

/** Most SOP Instance UIDs one fetch may name. */
export const MAX_FETCH_UIDS = 1000;

/** Client-made fetch id, echoed in the answer. */
const ImageFetchId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** What to fetch: images by SOP Instance UID, or every image of a series. */
export const ImageFetchRequest = z.union([
  z.object({ sopInstanceUids: z.array(z.string().min(1).max(128)).min(1).max(MAX_FETCH_UIDS) }).strict(),
  z.object({ seriesUid: z.string().min(1).max(128) }).strict(),
]);
export type ImageFetchRequest = z.infer<typeof ImageFetchRequest>;

/** Client -> gateway: send these held images again, as fetched frames, behind the live ones. */
export const ImageFetchMessage = z.object({ type: z.literal('image.fetch'), id: ImageFetchId, request: ImageFetchRequest });
export type ImageFetchMessage = z.infer<typeof ImageFetchMessage>;

/**
 * The answer to one fetch, sent at once (the images follow): how many images were queued, and
 * which asked-for ones the gateway does not hold (never received, dropped, or of another exam),
 * refused with `code` (LARMOR_E_IMAGE_NOT_HELD).
 */
export const ImageFetchOutcome = z.object({
  queued: z.number().int().nonnegative(),
  unknown: z.array(z.string()),
  code: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ImageFetchOutcome = z.infer<typeof ImageFetchOutcome>;

export const ImageFetchResultMessage = z.object({ type: z.literal('image.fetch.result'), id: ImageFetchId, ...ImageFetchOutcome.shape });
export type ImageFetchResultMessage = z.infer<typeof ImageFetchResultMessage>;
