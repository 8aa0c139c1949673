/**
 * Console lines of the boot initramfs (images/boot/init, images/boot/README.md) and the tiny
 * appliance (images/appliance/tiny/init): what the demo, tests and benchmarks wait for.
 */
export const BootMarker = {
  /** `ROWBOOT-INITRD <stage> ... uptime=<s>`: start, modules, dhcp, root, mounted, switch_root. */
  initrdStage: /ROWBOOT-INITRD (\S+)(?: (.*))?$/,
  /** The initramfs's first line: the kernel has handed over (power-on -> initramfs). */
  initrdStart: /ROWBOOT-INITRD start\b/,
  /** `ROWBOOT-BOOT-FAILED <stage>: <why>`: the initramfs gave up. */
  bootFailed: /ROWBOOT-BOOT-FAILED (.*)$/,
  applianceUp: /ROWBOOT-APPLIANCE-UP (\S+)/,
  bootCount: /ROWBOOT-APPLIANCE-BOOT-COUNT (\d+)/,
  wrote: /ROWBOOT-APPLIANCE-WROTE (.*)$/,
  hello: /ROWBOOT-APPLIANCE-HELLO (.*)$/,
  reboot: /ROWBOOT-APPLIANCE-REBOOT\b/,
  secondBoot: /ROWBOOT-APPLIANCE-SECOND-BOOT (.*)$/,
  powerOff: /ROWBOOT-APPLIANCE-POWEROFF\b/,
  applianceFailed: /ROWBOOT-APPLIANCE-FAILED (.*)$/,
} as const;

/** Lines after which a boot cannot succeed: a wait fails at once instead of at its timeout. */
export const bootFailurePatterns: readonly RegExp[] = [BootMarker.bootFailed, BootMarker.applianceFailed, /Kernel panic/];

/**
 * Kernel arguments for the appliance's scenarios (images/appliance/README.md). A failed boot
 * powers off at once (`rowboot.panic=poweroff`, `panic=-1`), so whoever waits learns it fast.
 */
export function scenarioKernelArgs(scenario: 'poweroff' | 'reboot-once'): string[] {
  return [`rowboot.test=${scenario}`, 'rowboot.panic=poweroff', 'rowboot.panic_delay=0', 'panic=-1'];
}
