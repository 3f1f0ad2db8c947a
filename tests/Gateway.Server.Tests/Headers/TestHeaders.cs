using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Infrastructure.Postgres.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Headers;

/// <summary>The header store of a test database, as the gateway registers it (PostgreSQL series headers, a fresh cache).</summary>
public static class TestHeaders
{
    public static InstanceHeaders For(NpgsqlDataSource database, IngestOptions? options = null, HeaderCacheOptions? cacheOptions = null) =>
        new(new PostgresHeaderStore(database), options ?? new IngestOptions { SpoolDirectory = Path.GetTempPath() }, cacheOptions ?? new HeaderCacheOptions(), NullLogger<InstanceHeaders>.Instance);
}
