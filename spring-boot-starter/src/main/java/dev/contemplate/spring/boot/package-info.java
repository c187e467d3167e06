/**
 * Spring Boot auto-configuration of contemplate mode: with {@code contemplate.enabled=true} the application's
 * LangChain4j {@code ChatModel} and {@code StreamingChatModel} beans become the engine of a team of agents, and the
 * application is given contemplating models in their place (see
 * {@link dev.contemplate.spring.boot.ContemplateAutoConfiguration}), configured by the {@code contemplate.*} properties
 * of {@link dev.contemplate.spring.boot.ContemplateProperties}. Non-null by default.
 */
@NullMarked
package dev.contemplate.spring.boot;

import org.jspecify.annotations.NullMarked;
