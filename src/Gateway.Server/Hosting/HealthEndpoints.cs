namespace Gateway.Server.Hosting;

/// <summary>/health/live (the process answers) and /health/ready (PostgreSQL answers too).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health/live", () => Results.Text("live\n"));
        endpoints.MapGet("/health/ready", async (DatabaseHost database, CancellationToken cancellationToken) =>
            await database.IsReachableAsync(cancellationToken)
                ? Results.Text("ready\n")
                : Results.Text("not ready: PostgreSQL does not answer\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        return endpoints;
    }
}
