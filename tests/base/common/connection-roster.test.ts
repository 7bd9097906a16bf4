import { describe, expect, it } from 'vitest';
import { ConnectionRoster, type Admission, type RosterEntry } from '../../../base/common/connection-roster.js';

function admitted(admission: Admission): { entry: RosterEntry; evicted: RosterEntry | null } {
  if ('full' in admission) throw new Error(`full: ${admission.full}`);
  return admission;
}

describe('ConnectionRoster', () => {
  it('evicts the oldest connection that established nothing, from the full address first', () => {
    const roster = new ConnectionRoster(4, 2);
    const evicted: string[] = [];
    const a1 = admitted(roster.admit('A', () => evicted.push('a1'))).entry;
    admitted(roster.admit('B', () => evicted.push('b1')));
    admitted(roster.admit('A', () => evicted.push('a2')));
    roster.established(a1);
    // A's share is full; its only connection that established nothing is a2.
    expect(admitted(roster.admit('A', () => evicted.push('a3'))).evicted?.address).toBe('A');
    expect(evicted).toEqual(['a2']);
    // A holds a1 (established) and a3; a3 goes next, never a1.
    admitted(roster.admit('A', () => evicted.push('a4')));
    expect(evicted).toEqual(['a2', 'a3']);
    // The port is full (a1, b1, a4, c1): the oldest of all that established nothing is b1.
    admitted(roster.admit('C', () => evicted.push('c1')));
    expect(admitted(roster.admit('D', () => evicted.push('d1'))).evicted?.address).toBe('B');
    expect(evicted).toEqual(['a2', 'a3', 'b1']);
  });

  it('turns a connection away when every connection it could replace is established', () => {
    const roster = new ConnectionRoster(2, 2);
    roster.established(admitted(roster.admit('A', () => undefined)).entry);
    roster.established(admitted(roster.admit('B', () => undefined)).entry);
    expect(roster.admit('C', () => undefined)).toEqual({ full: 'port' });
    const perAddress = new ConnectionRoster(8, 1);
    perAddress.established(admitted(perAddress.admit('A', () => undefined)).entry);
    expect(perAddress.admit('A', () => undefined)).toEqual({ full: 'address' });
  });

  it('counts a connection once, however often its close is reported', () => {
    const roster = new ConnectionRoster(1, 1);
    const first = admitted(roster.admit('A', () => undefined)).entry;
    roster.established(first);
    roster.closed(first);
    roster.closed(first); // the TLS socket and its raw socket both close
    const second = admitted(roster.admit('A', () => undefined));
    expect(second.evicted).toBeNull();
    roster.established(second.entry);
    expect(roster.admit('A', () => undefined)).toEqual({ full: 'address' });
  });

  it('makes an idle connection evictable again, after those that waited longer', () => {
    const roster = new ConnectionRoster(3, 3);
    const evicted: string[] = [];
    const a = admitted(roster.admit('A', () => evicted.push('a'))).entry;
    roster.established(a); // a request being answered
    admitted(roster.admit('A', () => evicted.push('b')));
    roster.idle(a); // its answer sent: idle behind b
    admitted(roster.admit('A', () => evicted.push('c')));
    admitted(roster.admit('A', () => evicted.push('d')));
    admitted(roster.admit('A', () => evicted.push('e')));
    expect(evicted).toEqual(['b', 'a']);
  });
});
