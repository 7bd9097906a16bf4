/**
 * A part of the window another issue fills (viewport, series strip, video). It holds its place
 * in the layout and says what will be there, and shows no invented data.
 */
export function ReservedRegion({
  className,
  region,
  title,
  note,
  watermark,
}: {
  className: string;
  region: string;
  title: string;
  note: string;
  watermark?: string;
}) {
  return (
    <div className={`panel reserved ${className}`} data-region={region} aria-label={title} role="region">
      <h2 className="panel-title">{title}</h2>
      <p className="reserved-note">{note}</p>
      {watermark ? <p className="watermark">{watermark}</p> : null}
    </div>
  );
}
