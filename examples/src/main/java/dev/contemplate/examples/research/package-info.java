/**
 * Replaying stopping and voting rules on recorded samples, without a model: the {@code replay} command.
 *
 * <p>A recorded file holds, per question, a gold answer and a list of sampled answers, or (free-form files) a list
 * of sampled texts each labelled correct or not. For every stopping rule and every shuffle, each question's samples
 * are put in a random arrival order and fed one by one into a {@link dev.contemplate.aggregation.Tally}; after each
 * sample the rule is asked
 * {@link dev.contemplate.aggregation.StoppingRule#shouldStop(dev.contemplate.aggregation.Tally, int)} with
 * {@code remaining} = samples available (at most {@code --max}) minus samples counted, exactly as the orchestrator
 * asks it, and the verdict is the vote's decision at the stop: the tally's leader for the default majority vote on
 * gold-answer files, else {@link dev.contemplate.aggregation.Voting.Counter#decide} over the samples cast as the
 * candidates of a team ({@code --vote majority|weighted|semantic}). Voting, tie-break and stopping are the
 * library's own classes; nothing here re-implements them.
 *
 * <ul>
 *   <li>{@link dev.contemplate.examples.research.ReplayReader} reads the four input formats and reports malformed
 *       lines;</li>
 *   <li>{@link dev.contemplate.examples.research.Replayer} runs rules over shuffles and documents the shuffle
 *       derivation and how a verdict is judged;</li>
 *   <li>{@link dev.contemplate.examples.research.ReplayReport} renders the table and the JSON object;</li>
 *   <li>{@link dev.contemplate.examples.research.ReplayCommand} is the picocli subcommand.</li>
 * </ul>
 */
package dev.contemplate.examples.research;
