/**
 * The public MRT archives of the two route-collector projects, as `portolan archives` lists them:
 * RIPE NCC RIS (data.ris.ripe.net) and University of Oregon RouteViews (archive.routeviews.org).
 */

export type ArchiveProject = 'ris' | 'routeviews';

/** A RIB dump (RIS `bview`, RouteViews `rib`) or an updates file. */
export type DumpKind = 'rib' | 'updates';

/** One file of an archive. */
export interface ArchiveFile {
  url: string;
  project: ArchiveProject;
  /** rrc00, route-views2, route-views.linx… */
  collector: string;
  kind: DumpKind;
  /** Seconds since 1970 of the time in the file's name: a RIB's dump, an updates file's first second. */
  time: number;
}

/** What a listing read, besides its files. */
export interface ArchiveListing {
  files: ArchiveFile[];
  /** Folder pages read. */
  folders: number;
  /** Folders the archive does not have (HTTP 404): a month before a collector began or after it ended. */
  absent: string[];
  /** Links in the folders read that name no RIB dump or updates file (checksums, other dumps). */
  unrecognized: number;
}
