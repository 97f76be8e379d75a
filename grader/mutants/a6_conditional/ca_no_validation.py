# cell: conditional_accuracy
# kills: test_conditional_accuracy_errors
# why: checks neither the sizes nor the numbers of images and predictions
def conditional_accuracy(generate, predict, num_classes, per_class):
    requested = np.repeat(np.arange(num_classes), per_class)  # class order: 0, 0, ..., 1, 1, ...
    images = generate(requested)
    predicted = np.asarray(predict(images))
    correct = predicted == requested
    return float(correct.mean()), correct.reshape(num_classes, per_class).mean(axis=1).astype(np.float64)
