/** Counters of one DHCP server; a snapshot is a plain object. */
export interface DhcpStats {
  /** Datagrams received. */
  received: number;
  /** Undecodable datagrams (dropped). */
  garbage: number;
  /** Well-formed but not for us: replies, other servers' REQUESTs, non-Ethernet, unknown types. */
  ignored: number;
  discovers: number;
  requests: number;
  declines: number;
  releases: number;
  informs: number;
  offers: number;
  acks: number;
  naks: number;
  /** DISCOVERs left unanswered because no address was free. */
  poolExhausted: number;
  /** Replies that could not be encoded, persisted or sent. */
  replyErrors: number;
}

export function emptyDhcpStats(): DhcpStats {
  return {
    received: 0,
    garbage: 0,
    ignored: 0,
    discovers: 0,
    requests: 0,
    declines: 0,
    releases: 0,
    informs: 0,
    offers: 0,
    acks: 0,
    naks: 0,
    poolExhausted: 0,
    replyErrors: 0,
  };
}
