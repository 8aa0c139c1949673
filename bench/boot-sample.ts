/** What one measured PXE boot run yields (bench/boot.ts). */

export interface FirstBootSample {
  /** Power-on -> first initramfs console line. */
  initramfsMs: number;
  /** Power-on -> ROWBOOT-APPLIANCE-UP. */
  upMs: number;
  /** `ROWBOOT-INITRD root` (just before the NFS mount) -> ROWBOOT-APPLIANCE-UP: the part of the boot spent on NFS. */
  nfsPhaseMs: number;
}

/** What the image server sent in READ replies during one boot (the relay's count). */
export interface ImageServerReads {
  readBytes: number;
  distinctReadBytes: number;
}

export interface RowbootBootSample extends FirstBootSample {
  /** Guest reboot (ROWBOOT-APPLIANCE-REBOOT) -> ROWBOOT-APPLIANCE-UP of the second boot. */
  secondUpMs: number;
  secondNfsPhaseMs: number;
  firstBoot: ImageServerReads;
  secondBoot: ImageServerReads;
  /** The gateway's own count of main READ payload passed to the client, first boot (cross-check). */
  firstBootProxyMainBytes: number;
}
