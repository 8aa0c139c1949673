import { RouterAdvertiserError } from './errors.js';

const interfacePattern = /^[A-Za-z0-9_.:-]{1,15}$/;

/**
 * The smallest Router Advertisement that ends iPXE's IPv6 wait (architecture.md, "Verified on
 * these machines"): M=0 and O=0 (M=1 without a DHCPv6 server brings the 16 s wait back),
 * router lifetime 0 (we are not a default router), no prefix, the source link-layer address
 * option. radvd itself sends from the link-local address with hop limit 255 (RFC 4861
 * section 6.1.2), answers each Router Solicitation at once by unicast
 * (AdvRASolicitedUnicast), and multicasts to ff02::1 periodically.
 */
export function radvdConfig(interfaceName: string): string {
  if (!interfacePattern.test(interfaceName)) throw new RouterAdvertiserError(`bad interface name ${JSON.stringify(interfaceName)}`);
  return [
    `interface ${interfaceName} {`,
    '  AdvSendAdvert on;',
    '  AdvManagedFlag off;',
    '  AdvOtherConfigFlag off;',
    '  AdvDefaultLifetime 0;',
    '  AdvSourceLLAddress on;',
    '  AdvRASolicitedUnicast on;',
    '  MinRtrAdvInterval 3;',
    '  MaxRtrAdvInterval 10;',
    '};',
    '',
  ].join('\n');
}
