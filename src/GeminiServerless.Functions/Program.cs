using GeminiServerless.Functions;
using Microsoft.Extensions.Hosting;

AppHost.CreateBuilder(args).Build().Run();
