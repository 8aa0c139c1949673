import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/**
 * Opens a UDP socket bound to host:port. Its `lookup` answers synchronously: the server only
 * ever sends to IP literals, and the default dns.lookup path would defer every send by one
 * tick and allocate for it, which shows at tens of thousands of DATA packets per second.
 */
export function bindUdpSocket(host: string, port: number): Promise<Socket> {
  const family = isIPv6(host) ? 6 : 4;
  const socket = createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    lookup: (hostname, _options, callback) => callback(null, hostname, family),
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      try {
        socket.close();
      } catch {
        // A socket whose bind failed may already be closed; nothing else holds it.
      }
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
