# Known mistake: an untrained model. The SVI object is built but the loop never runs
# (or runs zero steps), so `losses` is empty and vi_ate reads the effect off the
# randomly initialised networks.

# %% [train_answer]
pyro.clear_param_store()
data = tensors(df)
svi = SVI(model, guide, Adam({"lr": 0.01}), loss=Trace_ELBO())
losses = []
