/**
 * {@code tributary sync}: two-way sync of a local folder with a share of a branch gateway, over
 * the gateway's LAN gRPC API. A state database in the folder remembers what both sides looked like
 * after the last sync, so each run (or each change in continuous mode) tells a local change from
 * a remote one, never overwrites either silently, and skips files whose size, modification time
 * and inode are as they were.
 */
package io.tributary.sync;
