"""The course's JoinableQueue example, as written: the consumer never calls task_done() for the None
that ends it, so queue.join() waits forever."""

from multiprocessing import JoinableQueue, Process


def consume(queue) -> None:
    while True:
        item = queue.get()
        if item is None:
            break
        queue.task_done()


if __name__ == "__main__":
    queue = JoinableQueue()
    consumer = Process(target=consume, args=(queue,))
    consumer.start()
    for item in [*range(5), None]:
        queue.put(item)
    queue.join()
    consumer.join()
