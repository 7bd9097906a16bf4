import type { Gateway } from '../../gateway/server/gateway.js';

/**
 * Calls `seen` with the header of every image the gateway publishes to its workstations, as the
 * image pipeline hands it over (Gateway.publishImage), before it goes out.
 */
export function watchPublishedImages(gateway: Gateway, seen: (header: Parameters<Gateway['publishImage']>[0]) => void): void {
  const publish = gateway.publishImage.bind(gateway);
  gateway.publishImage = (header, part10) => {
    seen(header);
    publish(header, part10);
  };
}
