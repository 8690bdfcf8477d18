/**
 * The branch gateway. This package wires the parts together in plain sight: storage
 * ({@code share}, {@code chunk}, {@code journal}, {@code keys}), the front-ends ({@code webdav}),
 * who may use them ({@code auth}) and what operators see ({@code observe}).
 */
package io.tributary.gateway;
