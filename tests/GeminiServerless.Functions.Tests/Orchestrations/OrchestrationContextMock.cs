using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;

namespace GeminiServerless.Functions.Tests.Orchestrations;

/// <summary>A <see cref="TaskOrchestrationContext"/> mock with a controllable clock, events and timers.</summary>
internal sealed class OrchestrationContextMock
{
    private readonly Dictionary<string, Queue<Task>> _events = new(StringComparer.Ordinal);
    private readonly Queue<Task> _timers = new();

    public OrchestrationContextMock(string instanceId, DateTime now)
    {
        Now = now;
        Mock.SetupGet(c => c.InstanceId).Returns(instanceId);
        Mock.SetupGet(c => c.CurrentUtcDateTime).Returns(() => Now);
        Mock.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        Mock.Setup(c => c.CreateReplaySafeLogger(It.IsAny<string>())).Returns(NullLogger.Instance);
        Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime fireAt, CancellationToken token) =>
            {
                TimerRequests.Add((fireAt, token));
                return _timers.Count > 0 ? _timers.Dequeue() : new TaskCompletionSource().Task;
            });
    }

    public Mock<TaskOrchestrationContext> Mock { get; } = new(MockBehavior.Loose);

    public TaskOrchestrationContext Object => Mock.Object;

    public DateTime Now { get; set; }

    public List<(DateTime FireAt, CancellationToken Token)> TimerRequests { get; } = [];

    public List<string> EventWaits { get; } = [];

    public List<object?> CustomStatuses { get; } = [];

    /// <summary>The next wait for <paramref name="name"/> gets this task (later waits never complete).</summary>
    public OrchestrationContextMock EnqueueEvent<T>(string name, Task<T> task)
    {
        if (!_events.TryGetValue(name, out var queue))
        {
            queue = new Queue<Task>();
            _events[name] = queue;
            Mock.Setup(c => c.WaitForExternalEvent<T>(name, It.IsAny<CancellationToken>()))
                .Returns(() =>
                {
                    EventWaits.Add(name);
                    return queue.Count > 0 ? (Task<T>)queue.Dequeue() : new TaskCompletionSource<T>().Task;
                });
        }

        queue.Enqueue(task);
        return this;
    }

    /// <summary>Waits for <paramref name="name"/> never complete.</summary>
    public OrchestrationContextMock NeverEvent<T>(string name) => EnqueueEvent(name, new TaskCompletionSource<T>().Task);

    public OrchestrationContextMock EnqueueTimer(Task timer)
    {
        _timers.Enqueue(timer);
        return this;
    }

    public OrchestrationContextMock OnActivity<TIn, TOut>(string name, Func<TIn, TOut> handler)
    {
        Mock.Setup(c => c.CallActivityAsync<TOut>(It.Is<TaskName>(n => n.Name == name), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? _) => Task.FromResult(handler((TIn)input!)));
        return this;
    }

    public OrchestrationContextMock TrackStatus()
    {
        Mock.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback((object? s) => CustomStatuses.Add(s));
        return this;
    }

    public void VerifyActivity<TOut>(string name, Times times) =>
        Mock.Verify(c => c.CallActivityAsync<TOut>(It.Is<TaskName>(n => n.Name == name), It.IsAny<object?>(), It.IsAny<TaskOptions?>()), times);
}
