import { useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { MAX_MARK_POINTS, type ImagePoint, type Mark, type MarkShape } from '../../protocol/index.js';
import { extendMark, isDrawnEnough, markDrawing, toImagePoint } from '../../base/common/image-marks.js';
import type { PaintedImage } from './image-reader.js';
import type { OnsiteLink } from './onsite-link.js';
import { newestMark as lastMark, placed } from './join-images.js';

/**
 * Recent images kept so a mark the remote technologist draws on an earlier slice can be shown on
 * it: 48 slices, and no more than 64 MiB of their bitmaps (48 of 512x512 take 48 MiB).
 */
const KEEP_IMAGES = 48;
const KEEP_BYTES = 64 * 1024 * 1024;
const MIN_MARK_SCREEN_PX = 6;
const HEAD_SCREEN_PX = 14;
const TOOLS: { shape: MarkShape; label: string; icon: string }[] = [
  { shape: 'arrow', label: 'Arrow', icon: '↗' },
  { shape: 'circle', label: 'Circle', icon: '◯' },
  { shape: 'freehand', label: 'Freehand', icon: '✎' },
];
const NO_MARKS: Mark[] = [];

/**
 * The live image on the onsite console, with the marks everyone draws (docs/architecture.md
 * "Collaboration"): it follows the newest image; a mark arriving on an image it holds shows that
 * image, so what the remote technologist points at is what onsite staff see. Onsite staff draw
 * with the same tools. Not for diagnosis: a greyscale preview in the image's own window.
 */
export function OnsiteViewer({ link, marks }: { link: OnsiteLink; marks: Mark[] | null }) {
  const [images, setImages] = useState<PaintedImage[]>([]);
  const [shownUid, setShownUid] = useState<string | null>(null);
  const [unshown, setUnshown] = useState<string | null>(null);
  const [tool, setTool] = useState<MarkShape | null>(null);
  const [draft, setDraft] = useState<{ shape: MarkShape; points: ImagePoint[] } | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  /** Images asked for on joining: older than every live one, whatever order they come in. */
  const fetchedUids = useRef(new Set<string>());
  /** The image the last mark is on, for the image callback (set on every render). */
  const newestMarkUid = useRef<string | undefined>(undefined);
  const drawing = useRef<{ shape: MarkShape; points: ImagePoint[]; sop: string; scale: number } | null>(null);

  useEffect(
    () =>
      link.subscribeImages((arrival) => {
        if (!arrival.ok) {
          setUnshown(`Image not shown here: ${arrival.reason}`);
          return;
        }
        setUnshown(null);
        setImages((list) => keepRecent(placed(list, arrival.image, arrival.fetched ? fetchedUids.current : null)));
        // Asked for on joining because the last mark is on it: shown, as if the console had been open when it was drawn.
        if (arrival.fetched && arrival.image.sopInstanceUid === newestMarkUid.current) setShownUid(arrival.image.sopInstanceUid);
      }),
    [link],
  );

  // Someone marked an image this console holds: show that image (it stops following the newest).
  const allMarks = marks ?? NO_MARKS;
  // Read once per change of the marks, not on every render (the link holds at most MAX_MARKS_PER_EXAM, protocol/exam-marks.ts).
  const newestMark = useMemo(() => lastMark(allMarks), [allMarks]);
  const marksByImage = useMemo(() => byImage(allMarks), [allMarks]);
  newestMarkUid.current = newestMark?.sopInstanceUid;
  useEffect(() => {
    if (newestMark && images.some((i) => i.sopInstanceUid === newestMark.sopInstanceUid)) setShownUid(newestMark.sopInstanceUid);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new mark moves the view, not a new image
  }, [newestMark?.id]);

  const image = (shownUid ? images.find((i) => i.sopInstanceUid === shownUid) : undefined) ?? images.at(-1) ?? null;
  const following = shownUid === null || image?.sopInstanceUid !== shownUid;
  const onImage = (image ? marksByImage.get(image.sopInstanceUid) : undefined) ?? NO_MARKS;

  useLayoutEffect(() => {
    const el = canvas.current;
    const context = el?.getContext('2d');
    if (!image || !context) return;
    context.drawImage(image.bitmap, 0, 0);
  }, [image]);

  const pointAt = (event: PointerEvent<HTMLElement>) =>
    toImagePoint(event.clientX, event.clientY, canvas.current!.getBoundingClientRect(), image!.columns, image!.rows);
  const down = (event: PointerEvent<HTMLDivElement>) => {
    if (!tool || !image || !canvas.current || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const scale = canvas.current.getBoundingClientRect().width / image.columns;
    drawing.current = { shape: tool, points: [pointAt(event)], sop: image.sopInstanceUid, scale };
    setShownUid(image.sopInstanceUid); // hold the image being drawn on
    setDraft({ shape: tool, points: drawing.current.points });
  };
  const move = (event: PointerEvent<HTMLDivElement>) => {
    const d = drawing.current;
    if (!d) return;
    d.points = extendMark(d.shape, d.points, pointAt(event), MAX_MARK_POINTS, 1 / d.scale);
    setDraft({ shape: d.shape, points: d.points });
  };
  const up = () => {
    const d = drawing.current;
    if (!d) return;
    drawing.current = null;
    setDraft(null);
    if (!isDrawnEnough(d.points, MIN_MARK_SCREEN_PX / d.scale)) return;
    void link
      .collab({ name: 'mark.add', sopInstanceUid: d.sop, shape: d.shape, points: d.points })
      .then((ack) => setOutcome(ack.outcome === 'done' ? null : `Mark refused: ${ack.code} ${ack.reason ?? ''}`));
  };

  const scale = image && canvas.current ? canvas.current.getBoundingClientRect().width / image.columns : 1;
  const head = HEAD_SCREEN_PX / Math.max(scale, 1e-6);
  return (
    <section className="panel onsite-viewer" aria-labelledby="onsite-viewer-title">
      <div className="panel-head">
        <h2 className="panel-title" id="onsite-viewer-title">
          Live image
        </h2>
        <span className="muted" data-testid="onsite-image-caption">
          {image ? `${image.seriesDescription || 'Series'} · image ${image.instanceNumber ?? '—'}${following ? ' · newest' : ' · held'}` : 'No image yet'}
        </span>
        {!following ? (
          <button type="button" className="small" data-testid="onsite-follow-newest" onClick={() => setShownUid(null)}>
            Follow newest
          </button>
        ) : null}
      </div>
      <div className="onsite-mark-tools" role="toolbar" aria-label="Mark the image for the remote technologist">
        <span className="muted">Mark:</span>
        {TOOLS.map((t) => (
          <button
            key={t.shape}
            type="button"
            className="small"
            data-testid={`onsite-mark-tool-${t.shape}`}
            aria-pressed={tool === t.shape}
            aria-label={`${t.label} mark`}
            title={`Draw ${t.label.toLowerCase()} on this image for everyone`}
            disabled={!image}
            onClick={() => setTool(tool === t.shape ? null : t.shape)}
          >
            <span aria-hidden="true">{t.icon}</span>
          </button>
        ))}
        <button
          type="button"
          className="small ghost"
          data-testid="onsite-marks-clear"
          disabled={onImage.length === 0}
          onClick={() =>
            image &&
            void link
              .collab({ name: 'mark.clear', sopInstanceUid: image.sopInstanceUid })
              .then((ack) => setOutcome(ack.outcome === 'done' ? null : `Clear refused: ${ack.code} ${ack.reason ?? ''}`))
          }
        >
          Clear marks
        </button>
        <span className="muted" data-testid="onsite-mark-count">
          {onImage.length === 1 ? '1 mark' : `${onImage.length} marks`}
        </span>
      </div>
      {outcome ? (
        <p className="tone-bad" role="status" data-testid="onsite-mark-outcome">
          ✕ {outcome}
        </p>
      ) : null}
      {unshown ? (
        <p className="tone-warn" role="status" data-testid="onsite-image-unshown">
          ▲ {unshown}
        </p>
      ) : null}
      <div
        className={`onsite-image-frame${tool ? ' drawing' : ''}`}
        // The image's physical shape: Pixel Spacing may differ along rows and columns (PS3.3 10.7.1.3).
        style={image ? { aspectRatio: `${image.columns * (image.pixelSpacingMm?.[1] ?? 1)} / ${image.rows * (image.pixelSpacingMm?.[0] ?? 1)}` } : undefined}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      >
        {image ? (
          <>
            <canvas
              ref={canvas}
              className="onsite-image"
              data-testid="onsite-image"
              data-sop-instance-uid={image.sopInstanceUid}
              width={image.bitmap.width}
              height={image.bitmap.height}
              role="img"
              aria-label={`Live image ${image.instanceNumber ?? ''} of ${image.seriesDescription}`}
            />
            <svg
              className="onsite-marks"
              data-testid="onsite-marks"
              viewBox={`0 0 ${image.columns} ${image.rows}`}
              preserveAspectRatio="none"
              aria-hidden="true"
            >
              {onImage.map((m) => (
                <MarkSvg key={m.id} shape={m.shape} points={m.points} head={head} className={`mark by-${m.by.role}`} id={m.id} />
              ))}
              {draft && draft.points.length >= 2 ? <MarkSvg shape={draft.shape} points={draft.points} head={head} className="mark draft" id="draft" /> : null}
            </svg>
          </>
        ) : (
          <p className="muted onsite-image-empty">Live images appear here as the scanner sends them.</p>
        )}
      </div>
      <p className="onsite-watermark">Not for diagnostic use</p>
    </section>
  );
}

function MarkSvg({ shape, points, head, className, id }: { shape: MarkShape; points: ImagePoint[]; head: number; className: string; id: string }) {
  const d = markDrawing(shape, points, head);
  const common = { 'data-testid': id === 'draft' ? 'onsite-mark-draft' : 'onsite-mark', 'data-mark-id': id, 'data-shape': shape, className };
  if (d.kind === 'circle') return <circle {...common} cx={d.cx} cy={d.cy} r={d.r} vectorEffect="non-scaling-stroke" />;
  if (d.kind === 'freehand') return <path {...common} d={d.path} vectorEffect="non-scaling-stroke" />;
  return (
    <g {...common}>
      <path d={d.line} vectorEffect="non-scaling-stroke" />
      <polygon className="mark-head" points={d.head} />
    </g>
  );
}

/** The marks on each image, each image's in the order they came. */
function byImage(marks: readonly Mark[]): Map<string, Mark[]> {
  const map = new Map<string, Mark[]>();
  for (const mark of marks) {
    const list = map.get(mark.sopInstanceUid);
    if (list) list.push(mark);
    else map.set(mark.sopInstanceUid, [mark]);
  }
  return map;
}

/** The newest images within KEEP_IMAGES and KEEP_BYTES; the newest always (`images` ends with it). */
function keepRecent(images: PaintedImage[]): PaintedImage[] {
  let from = images.length - 1;
  let bytes = bytesOf(images[from]!);
  while (from > 0 && images.length - from < KEEP_IMAGES && bytes + bytesOf(images[from - 1]!) <= KEEP_BYTES) bytes += bytesOf(images[--from]!);
  return images.slice(from);
}

const bytesOf = (image: PaintedImage) => image.bitmap.width * image.bitmap.height * 4;
