// Why the server could not listen, in one line naming the setting to change (not a stack trace).

export function describeListenError(error: NodeJS.ErrnoException, { host, port }: { host: string; port: number }): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `PORT ${port} is already in use on ${host} (another gateway or program listens there); stop it or choose another PORT`;
    case 'EACCES':
      return `PORT ${port} on ${host} needs privileges this process does not have; choose a PORT above 1023`;
    case 'EADDRNOTAVAIL':
      return `HOST ${host} is not an address of this machine; use one of its addresses, 127.0.0.1 or 0.0.0.0`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return `HOST ${host} does not resolve to an address (${error.code}); use an IP address or a resolvable name`;
    default:
      return `cannot listen on ${host}:${port} (HOST, PORT): ${error.message}`;
  }
}
