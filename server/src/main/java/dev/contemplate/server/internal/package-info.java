/**
 * Implementation of the server: routes, request parsing, OpenAI-style JSON and errors, server-sent events, admission
 * control. Not an API: these types may change in any release.
 */
@NullMarked
package dev.contemplate.server.internal;

import org.jspecify.annotations.NullMarked;
