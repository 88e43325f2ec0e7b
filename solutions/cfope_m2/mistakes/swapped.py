# The policies swapped in the logs: the episodes are those of the evaluation policy.

# %% [own_logs_answer]
logs = generate_logs(evaluation_policy, NUM_EPISODES, seed=2027)
