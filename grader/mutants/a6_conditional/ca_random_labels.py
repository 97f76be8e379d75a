# cell: conditional_accuracy
# loses: test_conditional_accuracy_values
# why: draws the requested labels at random instead of per_class of each class
def conditional_accuracy(generate, predict, num_classes, per_class):
    for name, value, low in (("num_classes", num_classes, 2), ("per_class", per_class, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    requested = np.random.default_rng(0).integers(0, num_classes, num_classes * per_class)
    images = generate(requested)
    if len(images) != len(requested):
        raise ValueError(f"generate returned {len(images)} images for {len(requested)} labels")
    predicted = np.asarray(predict(images))
    if predicted.shape != requested.shape:
        raise ValueError(f"predict must return one class per image, shape {requested.shape}, got {predicted.shape}")
    correct = predicted == requested
    return float(correct.mean()), correct.reshape(num_classes, per_class).mean(axis=1).astype(np.float64)
