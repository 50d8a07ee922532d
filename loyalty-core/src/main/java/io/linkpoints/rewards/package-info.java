/**
 * Welcome and birthday rewards (issue 16): the member's birthday, set once by the member and then
 * changed only by the admin, audited ({@code Birthdays}); the alliance's rule per reward and the
 * shops' consent to pay for a shop-funded one ({@code RewardRules}); the grants, exactly once per
 * member, reward and year, each paid by ledger transfers from the payers' issuance accounts
 * ({@code RewardGrants}, the equal split in {@code EqualSplit}); the job that grants what is due and
 * completes what a crash left half done ({@code RewardJob}); their routes ({@code RewardRoutes},
 * {@code RewardJson}). A feature: imports {@code ledger} and the floor ({@code audit} for the
 * admin's change); the join calls it through {@code member}'s join listener, set up by {@code app}.
 */
package io.linkpoints.rewards;
