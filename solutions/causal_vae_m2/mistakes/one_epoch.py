# Known wrong answer: training stopped far too early (one pass over a tenth of the data),
# so the decoder has not learnt to draw the sprites.

# %% [train_answer]
losses = vae_starter.train(model, guide, IMAGES[:500], LABELS[:500], epochs=1, batch_size=10)
