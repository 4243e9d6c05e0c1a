import Hummingbird
import NIOCore
import RelayCore

/// The operator endpoints, served only on ccrelay's admin listener (`server.admin_listen`, behind
/// `server.admin_token` when set), never on the internet-facing push listener: `GET /metrics`
/// (Prometheus text), `GET /readyz` (200 or 503 with JSON reasons), `GET /` (status page),
/// `GET /deadletters` and `GET /deadletters/{id}` (which show event contents).
public enum ObservabilityRoutes {
    /// Adds the endpoints to `router`, reading `pipeline`.
    public static func add(to router: Router<BasicRequestContext>, pipeline: ObservedPipeline) {
        router.get("/metrics") { _, _ in
            let snapshot = await PipelineSnapshot.take(pipeline, includeDeadLetters: false)
            ScrapeGauges.update(from: snapshot, process: .current(), factory: pipeline.metrics.factory)
            return respond(.ok, MetricsExporter.contentType, pipeline.metrics.exposition())
        }
        router.get("/readyz") { _, _ in
            let readiness = await Readiness.check(pipeline)
            return respond(readiness.isReady ? .ok : .serviceUnavailable, "application/json", readiness.json)
        }
        router.get("/") { _, _ in
            respond(.ok, "text/html; charset=utf-8", StatusPage.render(await PipelineSnapshot.take(pipeline)))
        }
        router.get("/deadletters") { _, _ in
            do {
                let letters = try await pipeline.store.deadLetters(limit: PipelineSnapshot.deadLetterLimit)
                return respond(.ok, "text/html; charset=utf-8", DeadLetterPages.list(letters))
            } catch {
                return respond(.serviceUnavailable, "text/plain; charset=utf-8", "state store: \(error)\n")
            }
        }
        router.get("/deadletters/:id") { _, context in
            guard let id = context.parameters.get("id", as: Int64.self) else {
                return respond(.notFound, "text/plain; charset=utf-8", "no such dead letter\n")
            }
            do {
                guard let letter = try await pipeline.store.deadLetter(id: id) else {
                    return respond(.notFound, "text/plain; charset=utf-8", "no such dead letter\n")
                }
                return respond(.ok, "text/html; charset=utf-8", DeadLetterPages.detail(letter))
            } catch {
                return respond(.serviceUnavailable, "text/plain; charset=utf-8", "state store: \(error)\n")
            }
        }
    }

    private static func respond(_ status: HTTPResponse.Status, _ contentType: String, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
