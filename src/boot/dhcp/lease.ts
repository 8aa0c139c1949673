/** A client's lease as the server reports it (to the gateway, to tests). */
export interface LeaseInfo {
  /** `aa:bb:cc:dd:ee:ff` (chaddr). */
  mac: string;
  /** Option 61 in hex when the client sent one that is not just its MAC. */
  clientId: string | undefined;
  address: string;
  /** Option 12 the client sent, or the static lease's host name. */
  hostName: string | undefined;
  /**
   * `bound`: ACKed and not expired; `offered`: reserved by a recent OFFER; `free`: released or
   * expired (the address stays this client's first choice until someone else needs it).
   */
  state: 'bound' | 'offered' | 'free';
  /** End of the binding in ms since the epoch; 0 when released or never bound. */
  boundUntil: number;
}

export interface LeaseEvent {
  type: 'bound' | 'released' | 'declined';
  lease: LeaseInfo;
}
