/**
 * An OpenAI-compatible HTTP server for contemplate mode: {@link dev.contemplate.server.ContemplateServer} serves
 * {@code POST /v1/chat/completions} and {@code GET /v1/models} on Reactor Netty, choosing contemplate mode by model
 * name ({@code contemplate-N}, {@code contemplate-auto}, {@code contemplate-fast}) or passing an upstream model's own
 * name straight through; {@link dev.contemplate.server.SamplingOverrides} carries a request's sampling fields to the
 * team. Non-null by default.
 */
@NullMarked
package dev.contemplate.server;

import org.jspecify.annotations.NullMarked;
