using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Operations;

/// <summary>A logger provider that keeps every event id and message the gateway logs, to count how often something was said.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _entries = new();

    public IReadOnlyList<(int EventId, string Message)> Entries => [.. _entries];

    public int Count(int eventId) => Entries.Count(entry => entry.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(int EventId, string Message)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
