import type { KeyboardEventHandler } from 'react';

/** A gateway address field: typed as a URL, not spell-checked or autofilled, with the same example everywhere. */
export function GatewayUrlInput({
  id,
  testId,
  value,
  onChange,
  onKeyDown,
}: {
  id: string;
  testId: string;
  value: string;
  onChange: (url: string) => void;
  onKeyDown?: KeyboardEventHandler<HTMLInputElement>;
}) {
  return (
    <input
      id={id}
      data-testid={testId}
      type="text"
      inputMode="url"
      spellCheck={false}
      autoComplete="off"
      placeholder="wss://scanner-gateway.hospital.example:8443/larmor"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
