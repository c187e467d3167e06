/**
 * Internals of the simulated engine module; not part of the public API. Everything here is non-null unless a
 * parameter says otherwise.
 */
@NullMarked
package dev.contemplate.inference.simulated.internal;

import org.jspecify.annotations.NullMarked;
