/** Implementation details of the research tools; not an API, may change without notice. */
@NullMarked
package dev.contemplate.research.internal;

import org.jspecify.annotations.NullMarked;
