/**
 * File versions: the history of a path (its current version and the previous ones central
 * kept), restoring one version or a whole folder to a point in time as ordinary new revisions
 * that every gateway receives, and the retention that forgets versions older than the limit.
 */
package io.tributary.central.versions;
