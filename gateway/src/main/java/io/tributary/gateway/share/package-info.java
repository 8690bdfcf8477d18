/**
 * The share namespace: directories, files and their properties, stored in RocksDB, changed only
 * through the journal, and shared by every front-end. Also the name rules and the lock manager.
 */
package io.tributary.gateway.share;
