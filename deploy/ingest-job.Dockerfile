# The ingest job for a Flink cluster (deploy/k8s/ingest.yaml): Flink's own image with the shaded job jar, whose
# main class is io.kalmstream.ingest.IngestMain.
#   docker build -f deploy/ingest-job.Dockerfile -t kalm-ingest-job:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl ingest -am -Pjob-jar -DskipTests package

FROM flink:2.2.1-java17
COPY --from=build /src/ingest/target/kalm-ingest-job.jar /opt/flink/usrlib/kalm-ingest-job.jar
