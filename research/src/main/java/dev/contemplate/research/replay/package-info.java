/**
 * Replaying stopping and voting rules on recorded samples, without a model.
 *
 * <p>A recorded file holds, per question, a gold answer and a list of sampled answers, or (free-form files) a list
 * of sampled texts each labelled correct or not. For every stopping rule and every shuffle, each question's samples
 * are put in a random arrival order and fed one by one into a {@link dev.contemplate.aggregation.Tally}; after each
 * sample the rule is asked
 * {@link dev.contemplate.aggregation.StoppingRule#shouldStop(dev.contemplate.aggregation.Tally, int)} with
 * {@code remaining} = samples available (at most {@code max}) minus samples counted, exactly as the orchestrator
 * asks it, and the verdict is the vote's decision at the stop: the tally's leader for the default majority vote on
 * gold-answer files, else {@link dev.contemplate.aggregation.Voting.Counter#decide} over the samples cast as the
 * candidates of a team. Voting, tie-break and stopping are the library's own classes; nothing here re-implements
 * them.
 *
 * <pre>{@code
 * ReplayData data = ReplayReader.detecting().read(Path.of("esc-gsm8k.jsonl"));
 * List<RuleResult> results = Replayer.replay(data.questions(),
 *         List.of(StoppingRules.fixed(10), StoppingRules.esc(5), StoppingRules.beta(0.95)), 40, 20, 0L);
 * System.out.print(new ReplayReport("esc-gsm8k.jsonl", data, Optional.empty(), 40, 20, 0L, results).table());
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.contemplate.research.replay.ReplayReader} reads the four input formats and reports skipped
 *       lines;</li>
 *   <li>{@link dev.contemplate.research.replay.Replayer} runs rules over shuffles and documents the shuffle
 *       derivation and how a verdict is judged;</li>
 *   <li>{@link dev.contemplate.research.replay.ReplayReport} renders the table and the JSON object.</li>
 * </ul>
 */
@NullMarked
package dev.contemplate.research.replay;

import org.jspecify.annotations.NullMarked;
