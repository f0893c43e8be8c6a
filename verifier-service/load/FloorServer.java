import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The latency floor of the detect load test: one Vert.x event loop (as `telltale serve` deploys
 * one verticle) that reads each request's whole body and answers a canned response of the size of
 * a real detection, doing no detection, authentication, audit or JSON work. wrk against it shows
 * what HTTP handling and the load generator alone cost on this machine.
 * Usage (single-file program, Vert.x from the CLI jar):
 *   java -cp cli/target/telltale.jar verifier-service/load/FloorServer.java PORT ANSWER.json
 */
public class FloorServer {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Buffer answer = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
    Vertx vertx = Vertx.vertx();
    vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(
            req ->
                req.body()
                    .onSuccess(
                        body ->
                            req.response()
                                .putHeader("Content-Type", "application/json")
                                .end(answer))
                    .onFailure(e -> req.response().setStatusCode(400).end()))
        .listen()
        .await();
    System.out.println("floor server on 127.0.0.1:" + port);
  }
}
