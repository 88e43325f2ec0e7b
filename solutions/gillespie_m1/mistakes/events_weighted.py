# Known wrong answer: the states taken at evenly spaced reactions after the burn-in, one per
# observation, instead of at evenly spaced times: each visited state counts once per
# reaction, whatever the time the chain spends in it.

# %% [stationary_answer]
def stationary_states(rates, t_burn, spacing, num_states, seed):
    times, states = gillespie((0, 0, 0), rates, t_burn + spacing * (num_states - 1), seed)
    after = states[times >= t_burn]
    pick = np.linspace(0, len(after) - 1, num_states).round().astype(int)
    return after[pick]
