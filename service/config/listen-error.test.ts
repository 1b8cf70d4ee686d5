import { describe, expect, it } from 'vitest';
import { describeListenError } from './listen-error.ts';

const fail = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('describeListenError', () => {
  it('names the setting to change, in one line', () => {
    const at = { host: '127.0.0.1', port: 3456 };
    expect(describeListenError(fail('EADDRINUSE'), at)).toMatch(/^PORT 3456 is already in use on 127.0.0.1/);
    expect(describeListenError(fail('EACCES'), { host: '0.0.0.0', port: 80 })).toMatch(/^PORT 80 .*privileges/);
    expect(describeListenError(fail('EADDRNOTAVAIL'), { host: '10.9.9.9', port: 1 })).toMatch(/^HOST 10.9.9.9 is not an address of this machine/);
    expect(describeListenError(fail('ENOTFOUND'), { host: 'nope.invalid', port: 1 })).toMatch(/^HOST nope.invalid does not resolve/);
    expect(describeListenError(fail('EWHATEVER'), at)).toMatch(/^cannot listen on 127.0.0.1:3456 \(HOST, PORT\): listen EWHATEVER$/);
  });
});
