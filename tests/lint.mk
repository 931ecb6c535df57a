.PHONY: lint
lint:
	@echo lint: todo
