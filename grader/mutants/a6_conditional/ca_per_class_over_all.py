# cell: conditional_accuracy
# kills: test_conditional_accuracy_errors
# loses: test_conditional_accuracy_values
# why: divides each class's count of hits by all N images instead of the class's per_class
def conditional_accuracy(generate, predict, num_classes, per_class):
    for name, value, low in (("num_classes", num_classes, 2), ("per_class", per_class, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    requested = np.repeat(np.arange(num_classes), per_class)  # class order: 0, 0, ..., 1, 1, ...
    images = generate(requested)
    if len(images) != len(requested):
        raise ValueError(f"generate returned {len(images)} images for {len(requested)} labels")
    predicted = np.asarray(predict(images))
    if predicted.shape != requested.shape:
        raise ValueError(f"predict must return one class per image, shape {requested.shape}, got {predicted.shape}")
    correct = predicted == requested
    return float(correct.mean()), correct.reshape(num_classes, per_class).sum(axis=1) / len(requested)
