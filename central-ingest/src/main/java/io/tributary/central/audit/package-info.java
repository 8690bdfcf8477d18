/**
 * The audit log: who did what, when and from where, at central and at every gateway, in one
 * append-only hash chain in central's database. Each record carries the hash of the one before,
 * so a changed, removed or inserted record breaks the chain where it happened.
 */
package io.tributary.central.audit;
