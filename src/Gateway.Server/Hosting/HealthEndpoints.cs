namespace Gateway.Server.Hosting;

/// <summary>/health/live (the process answers) and /health/ready (PostgreSQL and an S3 bucket answer, the data disk has room, the models are there).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health/live", Live);
        endpoints.MapGet("/health/ready", ReadyAsync);
        return endpoints;
    }

    public static IResult Live() => Results.Text("live\n");

    public static async Task<IResult> ReadyAsync(GatewayReadiness readiness, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        var report = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        return report.IsReady
            ? Results.Text("ready\n")
            : Results.Text($"not ready: {report.Summary}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
